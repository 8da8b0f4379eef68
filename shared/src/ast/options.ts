// Generic-option lists (`VACUUM (FULL false)`, `REINDEX (CONCURRENTLY)`): is an option switched on?

/** The value of a DefElem option: no argument means on; false/off/no/0 mean off. */
export function optionIsOn(arg: any): boolean {
  if (!arg) return true;
  if (arg.Boolean) return arg.Boolean.boolval === true;
  if (arg.Integer) return (arg.Integer.ival ?? 0) !== 0;
  const s = String(arg.String?.sval ?? arg.A_Const?.sval?.sval ?? '').toLowerCase();
  return !['false', 'off', 'no', '0'].includes(s);
}

/** Is the named option present and on in a list of `{DefElem}` nodes? */
export function hasOption(options: any[] | undefined, name: string): boolean {
  return (options ?? []).some((o: any) => o?.DefElem?.defname === name && optionIsOn(o.DefElem.arg));
}
