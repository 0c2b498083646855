// Shared episode bookkeeping for every game: turn counting, the turn limit,
// totals and a cached frame, so each game only writes its own rules.
import type { GameEnv, GameId, Observation, StepResult } from './types';

export interface Transition {
  reward: number;
  effective: boolean;
  won: boolean;
  /** The rules ended the episode (win, loss, bust, hole, '='). */
  over: boolean;
  applied: string | null;
  info?: StepResult['info'];
}

export abstract class BaseEnv implements GameEnv {
  abstract readonly gameId: GameId;
  private turnCount = 0;
  private isDone = false;
  private isWon = false;
  private rewardSum = 0;
  private frame: Observation | null = null;

  protected constructor(
    readonly seed: number,
    readonly maxTurns: number,
  ) {}

  get turn(): number {
    return this.turnCount;
  }
  get done(): boolean {
    return this.isDone;
  }
  get won(): boolean {
    return this.isWon;
  }
  get totalReward(): number {
    return this.rewardSum;
  }

  /** Back to the level's start; the level itself never changes for this env. */
  reset(): Observation {
    this.turnCount = 0;
    this.isDone = false;
    this.isWon = false;
    this.rewardSum = 0;
    this.restart();
    this.frame = null;
    return this.observe();
  }

  observe(): Observation {
    this.frame ??= this.render();
    return this.frame;
  }

  step(action: string | null): StepResult {
    if (this.isDone) throw new Error(`${this.gameId}: step() after the episode ended (turn ${this.turnCount})`);
    this.turnCount++;
    const t = this.apply(action);
    // Rewards are sums of decimal steps (-0.1); round so 10 - 0.1 stays 9.9 in the records.
    this.rewardSum = Math.round((this.rewardSum + t.reward) * 1e9) / 1e9;
    this.isWon = t.won;
    const truncated = !t.over && this.turnCount >= this.maxTurns;
    this.isDone = t.over || truncated;
    this.frame = null; // some games change the picture without a move (a formula grows, the dealer reveals)
    return {
      action: t.applied,
      reward: t.reward,
      done: this.isDone,
      won: t.won,
      effective: t.effective,
      truncated,
      observation: this.observe(),
      info: t.info ?? {},
    };
  }

  abstract admissibleActions(): string[];
  /** Put the level back to its initial state. */
  protected abstract restart(): void;
  protected abstract apply(action: string | null): Transition;
  protected abstract render(): Observation;
}

/** A guard that turns the GameEnv a game definition receives back into its own env class. */
export function narrowEnv<T extends GameEnv>(ctor: abstract new (...args: never[]) => T, name: string): (env: GameEnv) => T {
  return (env) => {
    if (!(env instanceof ctor)) throw new Error(`expected a ${name} env, got ${env.gameId}`);
    return env;
  };
}
