// A module of dist/worker.js loaded for the first token with an `ip` claim (issue 16): the
// reader of the claim (an address or CIDR range, IPv4 or IPv6) and its check of the client.
export { ipClaim } from '../../contract/ip.js';
