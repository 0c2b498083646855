// The games the studio plays (their environments live in main/core/games/).
export const GAME_IDS = ['sokoban', 'frozenlake', 'points24', 'ezpoints', 'numberline', 'blackjack'] as const;
