// Multi-turn, multi-image chat as Qwen3-VL sees it. The built-in renderer
// writes the ChatML layout of the Qwen3-VL Instruct template (no default
// system prompt; each image as vision_start, one image_pad, vision_end);
// a model folder's own template, when given, is rendered with Jinja instead
// (chatTemplate.ts). Either way the result feeds the same loss-span finder.

export interface ChatPart {
  type: 'text' | 'image';
  text: string | null;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: ChatPart[];
}

export const IMAGE_PLACEHOLDER = '<|vision_start|><|image_pad|><|vision_end|>';
export const END_OF_TURN = '<|im_end|>';
/** Special tokens a generated answer must never contain: they stand for pixels the prompt does not have. */
export const BANNED_IN_SAMPLES = ['<|image_pad|>', '<|video_pad|>', '<|vision_pad|>', '<|vision_start|>', '<|vision_end|>'];

export function renderQwenChat(messages: ChatMessage[], addGenerationPrompt = false): string {
  let out = '';
  for (const m of messages) {
    out += `<|im_start|>${m.role}\n`;
    for (const p of m.content) out += p.type === 'image' ? IMAGE_PLACEHOLDER : (p.text ?? '');
    out += `${END_OF_TURN}\n`;
  }
  if (addGenerationPrompt) out += '<|im_start|>assistant\n';
  return out;
}

/**
 * A game turn's user message as the model reads it, in training and in play:
 * the frame at the prompt's <image> placeholder, or first when the prompt has none.
 * Returns null when the prompt has more placeholders than the one frame.
 */
export function userTurnContent(prompt: string, hasImage: boolean): ChatPart[] | null {
  const pieces = prompt.split('<image>');
  const text = (t: string): ChatPart[] => (t ? [{ type: 'text', text: t }] : []);
  if (!hasImage) return text(pieces.join(''));
  if (pieces.length > 2) return null;
  return pieces.length === 1 ? [{ type: 'image', text: null }, ...text(prompt)] : [...text(pieces[0]!), { type: 'image', text: null }, ...text(pieces[1]!)];
}

export function messageText(m: ChatMessage): string {
  return m.content.map((p) => (p.type === 'text' ? (p.text ?? '') : '')).join('');
}

/** A rendered conversation cut into text runs (with whether the loss applies) and images. */
export type Segment = { kind: 'text'; text: string; loss: boolean } | { kind: 'image'; index: number };

/**
 * Where the loss applies in a rendered conversation: what TRL's Qwen3-VL
 * training template wraps in {% generation %} for each trained assistant
 * message, which is its text, its end-of-turn token and the newline after it
 * (the model must learn to stop). Messages are located in order, each search
 * starting after the previous message's end-of-turn and this message's
 * ChatML header, so a reply that repeats words of the prompt, or a reply such
 * as "a" that the header "assistant" contains, is not confused with them.
 */
export function lossSpans(rendered: string, messages: ChatMessage[], trained: (m: ChatMessage, index: number) => boolean): [number, number][] {
  const spans: [number, number][] = [];
  let cursor = 0;
  messages.forEach((m, i) => {
    const header = `<|im_start|>${m.role}\n`;
    const next = rendered.indexOf('<|im_start|>', cursor);
    if (next >= 0 && rendered.startsWith(header, next)) cursor = next + header.length;
    const train = trained(m, i);
    let first = -1;
    for (const p of m.content) {
      if (p.type !== 'text' || !p.text) continue;
      const at = rendered.indexOf(p.text, cursor);
      if (at < 0) throw new Error(`message ${i} (${m.role}) does not appear in the rendered template`);
      if (train) spans.push([at, at + p.text.length]);
      if (first < 0) first = at;
      cursor = at + p.text.length;
    }
    // This message's end-of-turn: the next one, unless another message starts first (a template without one).
    const end = rendered.indexOf(END_OF_TURN, cursor);
    const start = rendered.indexOf('<|im_start|>', cursor);
    if (end < 0 || (start >= 0 && start < end)) return;
    const stop = end + END_OF_TURN.length + (rendered[end + END_OF_TURN.length] === '\n' ? 1 : 0);
    if (train && m.role === 'assistant') spans.push([first < 0 ? end : first, stop]);
    cursor = stop;
  });
  return mergeSpans(spans);
}

function mergeSpans(spans: [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  for (const s of spans.sort((a, b) => a[0] - b[0])) {
    const last = out[out.length - 1];
    if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
    else out.push([...s]);
  }
  return out;
}

/** Cuts rendered text into loss/no-loss runs and image slots (at each image_pad). */
export function segments(rendered: string, spans: [number, number][]): Segment[] {
  const out: Segment[] = [];
  const pushText = (from: number, to: number, loss: boolean): void => {
    if (to <= from) return;
    const parts = rendered.slice(from, to).split('<|image_pad|>');
    parts.forEach((t, k) => {
      if (k > 0) out.push({ kind: 'image', index: out.filter((s) => s.kind === 'image').length });
      if (t) out.push({ kind: 'text', text: t, loss });
    });
  };
  let at = 0;
  for (const [a, b] of spans) {
    pushText(at, a, false);
    pushText(a, b, true);
    at = b;
  }
  pushText(at, rendered.length, false);
  return out;
}
