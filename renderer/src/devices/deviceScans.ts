import { client } from '../transport/client';

/**
 * Scans from HID POS scanners: the main process reads the scanner (node-hid) and pushes each bar code as a
 * `devices.scan` event. The scan field takes them like a keyboard-wedge burst, with source 'scanner'.
 */
export function subscribeDeviceScans(onScan: (code: string) => void): () => void {
  return client.on('devices.scan', (scan) => onScan(scan.code));
}
