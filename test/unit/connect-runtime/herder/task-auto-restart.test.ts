import pino from 'pino';
import { TaskAutoRestart, autoRestartSettings } from '../../../../connect-runtime/herder/task-auto-restart';

describe('TaskAutoRestart', () => {
  let clock = 0;
  const restarts: string[] = [];
  let auto: TaskAutoRestart;
  const settings = autoRestartSettings({ 'errors.restart.enable': 'true', 'errors.restart.backoff.initial.ms': '100', 'errors.restart.backoff.max.ms': '1000' });

  beforeEach(() => {
    jest.useFakeTimers();
    clock = 0;
    restarts.length = 0;
    auto = new TaskAutoRestart({ restart: async (c, t) => void restarts.push(`${c}-${t}`), logger: pino({ level: 'silent' }), now: () => clock });
  });
  afterEach(() => {
    auto.close();
    jest.useRealTimers();
  });

  it('reads its settings from the connector config, off by default', () => {
    expect(autoRestartSettings({})).toEqual({ enabled: false, initialBackoffMs: 1000, maxBackoffMs: 60000 });
    expect(settings).toEqual({ enabled: true, initialBackoffMs: 100, maxBackoffMs: 1000 });
  });

  it('does nothing when disabled', () => {
    expect(auto.onFailure('c', 0, { ...settings, enabled: false })).toBeNull();
    jest.advanceTimersByTime(120000);
    expect(restarts).toEqual([]);
  });

  it('doubles the backoff on each failure up to the maximum, then resets after a healthy run', () => {
    const delays: (number | null)[] = [];
    for (let i = 0; i < 6; i++) {
      delays.push(auto.onFailure('c', 0, settings));
      jest.advanceTimersByTime(1000);
      auto.onRunning('c', 0);
      clock += 10; // failing again right away
    }
    expect(delays).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(restarts).toEqual(Array(6).fill('c-0'));

    clock += 5000; // ran longer than the longest backoff
    expect(auto.onFailure('c', 0, settings)).toBe(100);
  });

  it('keeps one pending restart per task and forgets a cancelled connector', () => {
    expect(auto.onFailure('c', 1, settings)).toBe(100);
    expect(auto.onFailure('c', 1, settings)).toBeNull();
    auto.onFailure('d', 0, settings);
    auto.cancel('c');
    jest.advanceTimersByTime(1000);
    expect(restarts).toEqual(['d-0']);
  });
});
