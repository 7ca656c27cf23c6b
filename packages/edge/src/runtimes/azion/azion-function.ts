// Entry of dist/azion.js: the firewall event listener. Azion runs the script
// once per function instance; each event waits on its own decision.
import { firewall, type AzionFirewallEvent } from './azion.js';

addEventListener('firewall', (event) => {
  const firewallEvent = event as unknown as AzionFirewallEvent;
  firewallEvent.waitUntil(firewall(firewallEvent));
});
