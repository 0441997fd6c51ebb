/**
 * The audible alarm (videowall L2+, department arrivals): generated tones with the Web Audio API,
 * nothing to download. Browsers only play sound after a user gesture unless the kiosk is started
 * with autoplay allowed (see docs/console.md).
 */
let ctx: AudioContext | null = null;

function audio(): AudioContext | null {
  if (typeof window === 'undefined' || typeof window.AudioContext !== 'function') return null;
  ctx ??= new window.AudioContext();
  if (ctx.state === 'suspended') void ctx.resume().catch(() => undefined);
  return ctx;
}

function tone(frequency: number, start: number, duration: number, gain = 0.25): void {
  const a = audio();
  if (!a) return;
  const osc = a.createOscillator();
  const g = a.createGain();
  osc.type = 'square';
  osc.frequency.value = frequency;
  g.gain.value = gain;
  osc.connect(g).connect(a.destination);
  osc.start(a.currentTime + start);
  osc.stop(a.currentTime + start + duration);
}

export const sounds = {
  /**
   * Makes the audio context ahead, when the browser is idle: creating one takes a few hundred
   * milliseconds of the main thread (the audio device is opened), which at the moment of an alarm
   * would freeze the screen that has to show it.
   */
  prepare(): void {
    const make = (): void => void audio();
    if (typeof window === 'undefined' || typeof window.AudioContext !== 'function') return;
    if (typeof window.requestIdleCallback === 'function') window.requestIdleCallback(make, { timeout: 5000 });
    else setTimeout(make, 1000);
  },
  /** Two-tone alarm, three times (escalation L2 and above). */
  alarm(): void {
    for (let i = 0; i < 3; i++) {
      tone(880, i * 0.5, 0.22);
      tone(660, i * 0.5 + 0.25, 0.22);
    }
  },
  /** A short chime (something new for the department). */
  chime(): void {
    tone(1046, 0, 0.12, 0.15);
    tone(1318, 0.14, 0.18, 0.15);
  },
};
