import { client } from '../../transport/client';
import { adoptWedgeSettings } from './wedgeSettings';

/** Reads the site's settings from the core; on failure the copy already held stays in force. */
export async function refreshWedgeSettings(): Promise<void> {
  try {
    adoptWedgeSettings(await client.devices.keyboardWedge({}));
  } catch {
    // Offline or refused: keep judging with what this window has.
  }
}
