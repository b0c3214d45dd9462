/** Returns the URL with its password replaced by `***`, so it can appear in logs and error messages. */
export function maskUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    // Not parseable: the secret could be anywhere in it, so show nothing.
    return '<unparseable>';
  }
}
