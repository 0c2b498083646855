// The game registry: one GameDefinition per built-in game.
import type { GameDefinition, GameId } from './types';
import { blackjackGame } from './cards/blackjack';
import { numberLineGame } from './cards/numberline';
import { ezPointsGame, points24Game } from './cards/points';
import { frozenLakeGame } from './frozenlake';
import { sokobanGame } from './sokoban';

export const GAMES: readonly GameDefinition[] = [sokobanGame, frozenLakeGame, points24Game, ezPointsGame, numberLineGame, blackjackGame];

export function listGames(): readonly GameDefinition[] {
  return GAMES;
}

export function getGame(id: string): GameDefinition {
  const g = GAMES.find((x) => x.id === id);
  if (!g) throw new Error(`unknown game '${id}' (known: ${GAMES.map((x) => x.id).join(', ')})`);
  return g;
}

export function isGameId(id: string): id is GameId {
  return GAMES.some((x) => x.id === id);
}
