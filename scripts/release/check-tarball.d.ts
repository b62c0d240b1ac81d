export declare function checkTarball(
  pkg: { readonly tarball: string; readonly files: readonly string[] },
  license: string,
): string[];
