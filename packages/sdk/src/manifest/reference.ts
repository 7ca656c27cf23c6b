/** One URL a manifest makes a player request, as written in the manifest. */
export interface ManifestReference {
  /** As written (a DASH template with its identifiers filled in). */
  readonly uri: string;
  /** Where it is written, for the report: `line 7 (EXT-X-KEY URI)`. */
  readonly where: string;
  /** BaseURLs it resolves through, outermost first (DASH). */
  readonly via?: readonly string[];
  /** HLS: another playlist, which the CLI checks in turn. */
  readonly playlist?: boolean;
  /** DASH: a BaseURL (a directory others resolve against, not a file to request). */
  readonly base?: boolean;
  /** HLS: how it is written breaks a reader other than hls.js (unquoted, spaced, repeated). */
  readonly problem?: string;
}
