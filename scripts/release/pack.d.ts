export declare const root: string;
export interface PublicPackage {
  readonly name: string;
  readonly version: string;
  readonly dir: string;
}
export interface PackedPackage extends PublicPackage {
  readonly tarball: string;
  readonly files: readonly string[];
}
export declare function publicPackages(): PublicPackage[];
export declare function packAll(outDir: string): PackedPackage[];
