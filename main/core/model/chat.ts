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
 * Where the loss applies in a rendered conversation: the text of each trained
 * assistant message plus its end-of-turn token (the model must learn to stop).
 * Messages are located in order, each search starting where the previous
 * message ended, so a reply that repeats words of the prompt is not confused with it.
 */
export function lossSpans(rendered: string, messages: ChatMessage[], trained: (m: ChatMessage, index: number) => boolean): [number, number][] {
  const spans: [number, number][] = [];
  let cursor = 0;
  messages.forEach((m, i) => {
    for (const p of m.content) {
      if (p.type !== 'text' || !p.text) continue;
      const at = rendered.indexOf(p.text, cursor);
      if (at < 0) throw new Error(`message ${i} (${m.role}) does not appear in the rendered template`);
      if (trained(m, i)) spans.push([at, at + p.text.length]);
      cursor = at + p.text.length;
    }
    if (m.role === 'assistant' && trained(m, i)) {
      const end = rendered.indexOf(END_OF_TURN, cursor);
      if (end >= 0) {
        spans.push([end, end + END_OF_TURN.length]);
        cursor = end + END_OF_TURN.length;
      }
    }
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
