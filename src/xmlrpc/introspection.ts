/**
 * `system.methodHelp` and `system.methodSignature`: a method's docstring, and the `[rtype, ptype...]` read
 * from its `@return` and `@param` tags by supervisord's `xmlrpc.py gettags`.
 * @module
 */
import { XmlRpcFault } from './faults.js';
import { METHOD_HELP } from './method-help.js';

/** One tag of a docstring: its name (`param`, `return`) and data type. */
interface Tag {
  readonly tag: string;
  readonly datatype: string;
}

/** `gettags`: the `@tag datatype name text` lines of a docstring, in order. */
export function getTags(comment: string): Tag[] {
  const tags: Tag[] = [];
  for (const raw of comment.split('\n')) {
    const line = raw.trim();
    if (!line.startsWith('@')) continue;
    // Python's line.split(None, 3): the tag, then the data type (or '').
    const parts = line.split(/\s+/);
    tags.push({ tag: parts[0]!.slice(1), datatype: parts[1] ?? '' });
  }
  return tags;
}

/** `system.methodHelp(name)`: the docstring; SIGNATURE_UNSUPPORTED for an unknown method. */
export function methodHelp(name: string): string {
  const help = METHOD_HELP.get(name);
  if (help === undefined) throw XmlRpcFault.of('SIGNATURE_UNSUPPORTED');
  return help;
}

/** `system.methodSignature(name)`: `[rtype, ptype...]`; SIGNATURE_UNSUPPORTED without a `@return` tag. */
export function methodSignature(name: string): string[] {
  let rtype: string | undefined;
  const ptypes: string[] = [];
  for (const { tag, datatype } of getTags(methodHelp(name))) {
    if (tag === 'return') rtype = datatype;
    else if (tag === 'param') ptypes.push(datatype);
  }
  if (rtype === undefined) throw XmlRpcFault.of('SIGNATURE_UNSUPPORTED');
  return [rtype, ...ptypes];
}
