// The histograms the UI draws (review columns, token counts), shared by Filter & review and Convert.
import { z } from 'zod';

// integer: whole-number bins, bin i holding edges[i] … edges[i+1]-1.
export const Histogram = z.object({ edges: z.array(z.number()), counts: z.array(z.number()), integer: z.boolean().optional() });
