// Our wording of the visual Sokoban prompt, with the structure of the
// template ARLArena users run today (rules, visual legend, current
// observation <image>, admissible actions, think/action instruction). With
// no history it is the same at every turn, as theirs is.
import { formatActionList, formatHistory, renderPrompt } from '../prompt';
import type { GameEnv, PromptOptions } from '../types';

export function sokobanPrompt(env: GameEnv, options?: PromptOptions): string {
  const actions = formatActionList(env.admissibleActions());
  const history = formatHistory(options);
  const current = history
    ? `You have taken ${env.turn} step(s) so far. Your most recent turns:\n${history}\nYou are now at step ${env.turn + 1}. Here is your current observation: <image>`
    : 'Here is your current observation: <image>';
  const ours = `You are an expert Sokoban player. Push every box onto a target; once all the boxes are on targets, you win.

# Rules
Boxes can only be pushed, never pulled, so plan your pushes ahead.
You cannot walk through walls, and you cannot push a box into a wall or into another box.
A box pushed into a corner, or flat against a wall it cannot leave, may never move again: avoid such traps.

# Visual Elements in the Image
Character: a small green alien with two antennae and black eyes. This is you.
Box: a yellow crate with an orange "X" across its face. These are the boxes you push.
Target: a black square with a red border and a small red diamond in the middle. Each box belongs on one.

# Current Step
${current}
Your admissible actions are ${actions}.

Now make your move: choose exactly ONE action for this step.
First reason step by step about the situation: where you stand, where the boxes and targets are, which pushes bring a box closer to a target, and which moves would trap a box against a wall or in a corner. Put this reasoning inside <think> </think> tags.
Then pick one admissible action for this step and put it inside <action> </action> tags.`;
  return renderPrompt(ours, options, {
    actions,
    history,
    turn: String(env.turn + 1),
    step_count: String(env.turn),
    max_turns: String(env.maxTurns),
    history_length: String(Math.min(options?.historyTurns ?? 0, options?.history?.length ?? 0)),
  });
}
