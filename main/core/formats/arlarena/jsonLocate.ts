// Where JSON.parse gave up: V8's messages do not always carry a position, so
// a small validator finds the first bad character and its line and column.

export interface JsonErrorPlace {
  offset: number;
  line: number;
  column: number;
  message: string;
}

class Bad extends Error {
  constructor(
    readonly at: number,
    message: string,
  ) {
    super(message);
  }
}

function validate(s: string): void {
  let i = 0;
  const ws = (): void => {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t' || s[i] === '\n' || s[i] === '\r')) i++;
  };
  const expect = (word: string): void => {
    if (s.startsWith(word, i)) i += word.length;
    else throw new Bad(i, `unexpected ${describe(i)}`);
  };
  const describe = (at: number): string => (at >= s.length ? 'end of input' : `character ${JSON.stringify(s[at])}`);
  const string = (): void => {
    i++; // opening quote
    for (;;) {
      if (i >= s.length) throw new Bad(i, 'unterminated string');
      const c = s.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) throw new Bad(i, 'control character in string');
      if (c === 0x5c) {
        const e = s[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(s.slice(i + 2, i + 6))) throw new Bad(i, 'bad \\u escape');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else throw new Bad(i, 'bad escape');
      } else i++;
    }
  };
  const number = (): void => {
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(s.slice(i, i + 400));
    if (!m || m[0] === '' || m[0] === '-') throw new Bad(i, `unexpected ${describe(i)}`);
    i += m[0].length;
  };
  const value = (): void => {
    ws();
    const c = s[i];
    if (c === '{') {
      i++;
      ws();
      if (s[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (s[i] !== '"') throw new Bad(i, `expected a property name, found ${describe(i)}`);
        string();
        ws();
        if (s[i] !== ':') throw new Bad(i, `expected ':', found ${describe(i)}`);
        i++;
        value();
        ws();
        if (s[i] === ',') {
          i++;
          continue;
        }
        if (s[i] === '}') {
          i++;
          return;
        }
        throw new Bad(i, `expected ',' or '}', found ${describe(i)}`);
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (s[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (s[i] === ',') {
          i++;
          continue;
        }
        if (s[i] === ']') {
          i++;
          return;
        }
        throw new Bad(i, `expected ',' or ']', found ${describe(i)}`);
      }
    }
    if (c === '"') return string();
    if (c === 't') return expect('true');
    if (c === 'f') return expect('false');
    if (c === 'n') return expect('null');
    return number();
  };
  value();
  ws();
  if (i < s.length) throw new Bad(i, `unexpected ${describe(i)} after the JSON value`);
}

/** The first error in text, or null when it is valid JSON. */
export function locateJsonError(text: string): JsonErrorPlace | null {
  let at: number;
  let message: string;
  try {
    validate(text);
    return null;
  } catch (e) {
    if (e instanceof Bad) [at, message] = [e.at, e.message];
    else [at, message] = [0, 'nested too deeply to read'];
  }
  let line = 1;
  let lineStart = 0;
  for (let k = 0; k < at && k < text.length; k++)
    if (text.charCodeAt(k) === 0x0a) {
      line++;
      lineStart = k + 1;
    }
  return { offset: at, line, column: at - lineStart + 1, message };
}
