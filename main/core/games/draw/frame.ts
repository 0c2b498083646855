// From a drawn board to the Observation the policy sees: resize the way
// ARLArena's process_image does (Pillow bicubic, min 256×256 pixels), encode PNG.
import { encodePngRgb } from '../../util/png';
import type { Observation } from '../types';
import type { Canvas } from './canvas';
import { processedSize, resizeBicubic } from './resample';

export function toObservation(canvas: Canvas, text: string | null): Observation {
  const { width, height } = processedSize(canvas.width, canvas.height);
  const rgb = width === canvas.width && height === canvas.height ? canvas.data : resizeBicubic(canvas.data, canvas.width, canvas.height, width, height);
  return { png: encodePngRgb(width, height, rgb), width, height, text };
}
