// The built-in expert as a Policy: it reads the env it is bound to (not the
// messages) and answers in the game's own format, so a user can make SFT data
// with no model at all.
import type { GameDefinition, GameEnv } from '../types';
import type { Policy, PolicyReply, PolicyRequest } from './types';

export function createExpertPolicy(game: GameDefinition, env: GameEnv): Policy {
  if (env.gameId !== game.id) throw new Error(`expert for ${game.id} bound to a ${env.gameId} env`);
  return {
    act(request: PolicyRequest): Promise<PolicyReply> {
      try {
        if (request.game !== game.id) throw new Error(`the ${game.id} expert was asked to play ${request.game}`);
        if (request.signal?.aborted) throw request.signal.reason instanceof Error ? request.signal.reason : new Error('aborted');
        return Promise.resolve({ text: game.formatAnswer(game.expertMove(env)) });
      } catch (err) {
        return Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
    },
  };
}
