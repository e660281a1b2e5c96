/**
 * The XML-RPC values procvisor reads and writes, as JavaScript values.
 * @module
 */

/**
 * One XML-RPC value: `<int>`/`<i4>`/`<double>` as number, `<boolean>` as boolean, `<string>` (and an
 * untyped value) as string, `<dateTime.iso8601>` as Date (UTC), `<base64>` as Uint8Array, `<nil/>` as null,
 * `<array>` as an array and `<struct>` as a null-prototype object.
 */
export type XmlRpcValue =
  string | number | boolean | null | Date | Uint8Array | readonly XmlRpcValue[] | XmlRpcStruct;

/** An XML-RPC `<struct>`: member names to values, in document order. */
export interface XmlRpcStruct {
  readonly [member: string]: XmlRpcValue;
}

/** Whether `value` is a struct (not an array, a Date or bytes). */
export function isStruct(value: unknown): value is XmlRpcStruct {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Date) &&
    !(value instanceof Uint8Array)
  );
}
