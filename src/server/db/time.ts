/** timestamptz comes back as a Date from both pg and PGlite; the API speaks ISO-8601 (UTC, `Z`). */
export function iso(d: Date | string): string {
  return (d instanceof Date ? d : new Date(d)).toISOString();
}

export function isoOrNull(d: Date | string | null): string | null {
  return d === null ? null : iso(d);
}
