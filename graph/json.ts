/**
 * JSON parse errors that name where, never what: V8's messages quote the text around the mistake
 * (`Unexpected token 'S', "{"password": S3cret..." is not valid JSON`), and a state file or a
 * policy config may hold secrets. The description keeps V8's words without any quoted text; the
 * place is a line and column, found by a small scan when V8 does not give a position.
 */

/** Offset of the first character that breaks JSON syntax (text.length when the input ends too early). */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const n = text.length;
  const ws = () => {
    while (i < n && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r")) i++;
  };
  // An explicit stack of open containers: deeply nested input cannot overflow the call stack.
  const open: ("[" | "{")[] = [];
  const string = (): boolean => {
    i++; // opening quote
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return true;
      }
      if (c < 0x20) return false;
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return false;
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else return false;
      } else i++;
    }
    return false;
  };
  const scalar = (): boolean => {
    const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
    if (!m) return false;
    i += m[0].length;
    return true;
  };
  // Value, then what may follow it inside the innermost container.
  for (;;) {
    ws();
    if (i >= n) return n;
    const c = text[i];
    if (c === "[" || c === "{") {
      open.push(c);
      i++;
      ws();
      if (text[i] === (c === "[" ? "]" : "}")) {
        open.pop();
        i++;
      } else if (c === "{") {
        if (text[i] !== '"') return Math.min(i, n);
        if (!string()) return Math.min(i, n);
        ws();
        if (text[i] !== ":") return Math.min(i, n);
        i++;
        continue;
      } else continue;
    } else if (c === '"') {
      if (!string()) return Math.min(i, n);
    } else if (!scalar()) return i;
    // After a complete value: close containers or move to the next element.
    for (;;) {
      ws();
      const top = open[open.length - 1];
      if (!top) return i < n ? i : -1;
      if (i >= n) return n;
      if (text[i] === ",") {
        i++;
        if (top === "{") {
          ws();
          if (text[i] !== '"' || !string()) return Math.min(i, n);
          ws();
          if (text[i] !== ":") return Math.min(i, n);
          i++;
        }
        break;
      }
      if (text[i] === (top === "[" ? "]" : "}")) {
        open.pop();
        i++;
        continue;
      }
      return i;
    }
  }
}

function lineAndColumn(text: string, offset: number): string {
  let line = 1;
  let start = 0;
  for (let k = text.indexOf("\n"); k !== -1 && k < offset; k = text.indexOf("\n", k + 1)) {
    line++;
    start = k + 1;
  }
  return `line ${line}, column ${offset - start + 1}`;
}

/** What went wrong, in V8's words minus any quoted input: "Unexpected token 'S', "..."" becomes "unexpected character". */
function kindOf(message: string): string {
  if (/^Unexpected token/.test(message)) return "unexpected character";
  if (/^Unexpected end of JSON input/.test(message)) return "unexpected end of input";
  // Other V8 messages name grammar tokens only (`Expected ',' or '}' after property value`).
  const words = message.replace(/\s*(?:in JSON )?at position \d+.*$/s, "").replace(/"[^"]*"/g, "").trim();
  return words ? words[0].toLowerCase() + words.slice(1) : "not JSON";
}

/** A one-line description of a JSON.parse error on `text`: what kind, at which line and column. */
export function describeJsonError(text: string, err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const at = /at position (\d+)/.exec(message);
  const offset = at ? Number(at[1]) : jsonErrorOffset(text);
  return offset < 0 ? kindOf(message) : `${kindOf(message)} at ${lineAndColumn(text, offset)}`;
}
