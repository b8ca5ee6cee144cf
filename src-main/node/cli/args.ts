/**
 * A small argv parser: positionals, `--flag`, `--key value`, `--key v1 v2` for declared
 * multi-value options. Unknown options are an error, so a typo never silently does nothing.
 */
import { type OptionSpec, type ParsedArgs, UsageError } from './command';

export function parseArgs(argv: string[], spec: Record<string, OptionSpec>): ParsedArgs {
  const positional: string[] = [];
  const options = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--') || a === '--') {
      positional.push(a);
      continue;
    }
    const name = a.slice(2);
    const s = spec[name];
    if (!s) throw new UsageError(`unknown option --${name}`);
    const values = argv.slice(i + 1, i + 1 + s.values);
    if (values.length < s.values || values.some((v) => v.startsWith('--'))) {
      throw new UsageError(`--${name} needs ${s.values} value${s.values > 1 ? 's' : ''}`);
    }
    options.set(name, values);
    i += s.values;
  }
  return { positional, options };
}

export function flag(args: ParsedArgs, name: string): boolean {
  return args.options.has(name);
}

export function stringOption(args: ParsedArgs, name: string): string | undefined {
  return args.options.get(name)?.[0];
}

export function numberOption(args: ParsedArgs, name: string, fallback?: number): number | undefined {
  const v = args.options.get(name);
  if (!v) return fallback;
  const n = Number(v[0]);
  if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got "${v[0]}"`);
  return n;
}

/** A count, a seed, a port: a whole number from `min` (to `max`, when given). */
export function wholeNumberOption(args: ParsedArgs, name: string, range: { min: number; max?: number }, fallback: number): number;
export function wholeNumberOption(args: ParsedArgs, name: string, range: { min: number; max?: number }, fallback?: number): number | undefined;
export function wholeNumberOption(args: ParsedArgs, name: string, { min, max }: { min: number; max?: number }, fallback?: number): number | undefined {
  const n = numberOption(args, name, fallback);
  if (n === undefined || (Number.isInteger(n) && n >= min && n <= (max ?? Infinity))) return n;
  throw new UsageError(`--${name} must be a whole number ${max === undefined ? `≥ ${min}` : `from ${min} to ${max}`}`);
}

export function numbersOption(args: ParsedArgs, name: string): number[] | undefined {
  const v = args.options.get(name);
  if (!v) return undefined;
  return v.map((s) => {
    const n = Number(s);
    if (!Number.isFinite(n)) throw new UsageError(`--${name} values must be numbers, got "${s}"`);
    return n;
  });
}
