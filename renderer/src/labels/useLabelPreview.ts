import { useEffect, useState } from 'react';
import { useVeilAction } from '../common/useVeilAction';
import { client } from '../transport/client';
import type { LabelKind, LabelPreviewData } from './labelTypes';

/**
 * The preview of one label as the printer prints it (labels.preview: the 1-bit raster as PNG), loaded whenever the kit
 * or the kind changes. `preview` is only ever the chosen label's: while another one loads, it is null. No kit: nothing
 * is loaded.
 */
export function useLabelPreview(kitNumber: string, kind: LabelKind) {
  const [loaded, setLoaded] = useState<LabelPreviewData | null>(null);
  const { run, busy, error } = useVeilAction();

  useEffect(() => {
    if (!kitNumber) return;
    let current = true;
    void run(() => client.labels.preview({ kitNumber, kind })).then((result) => {
      if (current && result.ok) setLoaded(result.value);
    });
    return () => {
      current = false;
    };
  }, [run, kitNumber, kind]);

  const preview = loaded && loaded.kitNumber === kitNumber && loaded.kind === kind ? loaded : null;
  return { preview, busy, error };
}
