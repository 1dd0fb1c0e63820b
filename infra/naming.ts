/** A component's logical name in SST: PascalCase letters and digits, e.g. `build-dim-staff` → `BuildDimStaff`. */
export function logicalName(...words: string[]): string {
  return words
    .flatMap((word) => word.split(/[^a-zA-Z0-9]+/))
    .filter((part) => part !== '')
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}
