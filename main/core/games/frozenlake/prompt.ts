// Our FrozenLake prompt, built like the Sokoban one: rules, legend, the
// current observation <image>, admissible actions, think/action instruction.
import { formatActionList, formatHistory, renderPrompt } from '../prompt';
import type { GameEnv, PromptOptions } from '../types';

export function frozenLakePrompt(env: GameEnv, slippery: boolean, options?: PromptOptions): string {
  const actions = formatActionList(env.admissibleActions());
  const history = formatHistory(options);
  const current = history
    ? `You have taken ${env.turn} step(s) so far. Your most recent turns:\n${history}\nYou are now at step ${env.turn + 1}. Here is your current observation: <image>`
    : 'Here is your current observation: <image>';
  const slip = slippery ? '\nThe ice is slippery: a move may slide you to one side instead of where you meant to go.' : '';
  const ours = `You are playing FrozenLake. Walk across the frozen lake from the start to the goal without falling into a hole.

# Rules
You move one square at a time. Moving against the edge of the lake leaves you where you are.
Stepping into a hole ends the game and you lose. Reaching the goal ends the game and you win.${slip}

# Visual Elements in the Image
You: a small figure in a blue coat and a green pointed hat.
Ice: light blue squares, safe to stand on.
Hole: a dark blue pit in the ice.
Goal: the square with a red gift tied with a yellow ribbon.

# Current Step
${current}
Your admissible actions are ${actions}.

Now make your move: choose exactly ONE action for this step.
First reason step by step: where you are, where the goal is, and which squares around you are holes. Put this reasoning inside <think> </think> tags.
Then pick one admissible action for this step and put it inside <action> </action> tags.`;
  return renderPrompt(ours, options, { actions, history, turn: String(env.turn + 1), step_count: String(env.turn), max_turns: String(env.maxTurns) });
}
