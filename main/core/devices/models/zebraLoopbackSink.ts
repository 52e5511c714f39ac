import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A network Zebra printer on the loopback interface, device side: a TCP server on 127.0.0.1 that speaks the raw
 * port-9100 protocol (it listens on a free port unless told one). Each connection is one job; the bytes are kept as
 * received and as ZPL text with the host-status query taken out. `~HS` is answered with the three status strings of
 * the ZPL II guide; `paperOut` / `paused` make the answer say so.
 */
export interface ReceivedZplJob {
  /** The ZPL as received, without the `~HS` queries. */
  zpl: string;
  bytes: Uint8Array;
  at: Date;
}

const HOST_STATUS_QUERY = '~HS';

export class ZebraLoopbackSink {
  readonly jobs: ReceivedZplJob[] = [];
  paperOut = false;
  paused = false;
  /** false: accepts connections but never answers ~HS (a printer that hangs). */
  answerStatus = true;
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private portNumber = 0;

  get port(): number {
    return this.portNumber;
  }

  get listening(): boolean {
    return this.server !== null;
  }

  /** The ~HS answer: string 1 `aaa,b,c,dddd,eee,f,...` (b paper out, c paused), string 2 `mmm,n,o,p,...` (o head up, p ribbon out), string 3. */
  hostStatus(): string {
    const one = `030,${this.paperOut ? 1 : 0},${this.paused ? 1 : 0},0812,000,0,0,0,000,0,0,0`;
    const two = '001,0,0,0,0,2,4,0,00000000,1,000';
    const three = '1234,0';
    return [one, two, three].map((s) => `\x02${s}\x03\r\n`).join('');
  }

  async start(port = 0): Promise<number> {
    if (this.server) return this.portNumber;
    const server = createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    server.unref();
    this.server = server;
    this.portNumber = (server.address() as AddressInfo).port;
    return this.portNumber;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    const chunks: Buffer[] = [];
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      text += chunk.toString('latin1');
      // Answer each complete ~HS once; they are taken out of the job below.
      while (text.includes(HOST_STATUS_QUERY)) {
        text = text.replace(HOST_STATUS_QUERY, '');
        if (this.answerStatus) socket.write(this.hostStatus());
      }
    });
    const done = () => {
      this.sockets.delete(socket);
      const bytes = new Uint8Array(Buffer.concat(chunks));
      const zpl = Buffer.from(bytes).toString('utf8').split(HOST_STATUS_QUERY).join('');
      if (zpl.length > 0) this.jobs.push({ zpl, bytes, at: new Date() });
    };
    socket.on('end', () => {
      socket.end();
    });
    socket.on('close', done);
    socket.on('error', () => undefined);
  }
}
