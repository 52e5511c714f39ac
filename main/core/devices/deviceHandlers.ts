import type { Callers } from '../callers';
import type { Handlers } from '../router';
import type { Devices } from './devices';

export function deviceHandlers({ devices, callers }: { devices: Devices; callers: Callers }): Handlers['devices'] {
  return {
    status: (_ctx, input) => devices.status(input.refresh ?? false),
    configurePrinter: (ctx, input) => devices.configurePrinter(callers.actor(ctx), input.kind, input.choice),
    testPrint: (ctx, input) => devices.testPrint(callers.actor(ctx), input.kind),
    printLabel: (ctx, input) => devices.printLabel(callers.actor(ctx), input),
    retryJob: (ctx, input) => devices.retryJob(callers.actor(ctx), input.jobId, input.printer),
    simulateScan: (_ctx, input) => devices.simulateScan(input.code, input.aim),
    keyboardWedge: () => devices.keyboardWedge(),
    configureKeyboardWedge: (ctx, input) => devices.configureKeyboardWedge(callers.actor(ctx), input),
  };
}
