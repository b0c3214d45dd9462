/** The .apsorc as text (or bytes, or an already parsed value) to a JSON value. */

/** Removes `//` and `/* *\/` comments outside strings: `rc`, which the APSO CLI uses, accepts them. */
function stripJsonComments(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? text.length : end + 1;
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

export function parseText(raw: unknown): { value?: unknown; error?: string } {
  let text: string;
  if (typeof raw === 'string') text = raw;
  else if (raw instanceof Uint8Array) text = new TextDecoder().decode(raw);
  else return { value: raw };
  try {
    return { value: JSON.parse(stripJsonComments(text.replace(/^\uFEFF/, ''))) };
  } catch (e) {
    return { error: `the file is not valid JSON (${e instanceof Error ? e.message : String(e)})` };
  }
}
