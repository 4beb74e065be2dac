import { describe, expect, it } from 'vitest';
import { DEFAULT_APP_CONFIG, parseAppConfig, parseVacations, type AppConfig } from '../../src/domain/config';

describe('parseVacations (the VACATIONS setting)', () => {
  it('reads ranges separated by ; or new lines', () => {
    expect(parseVacations('2026-07-04..2026-08-31 暑假;\n2028-01-23..2028-02-29 寒假')).toEqual([
      { start: '2026-07-04', end: '2026-08-31', name: '暑假' },
      { start: '2028-01-23', end: '2028-02-29', name: '寒假' },
    ]);
  });

  it('refuses a range with a day that does not exist', () => {
    for (const text of ['2026-02-01..2026-02-30 寒假', '2026-13-45..2026-13-46 假期', '2026-04-31..2026-05-03 五一', '2027-01-23..2027-02-29 寒假'])
      expect(() => parseVacations(text), text).toThrow(text.split(' ')[0]!);
  });

  it('refuses a range that ends before it starts, and other shapes', () => {
    expect(() => parseVacations('2026-08-31..2026-07-04 暑假')).toThrow(/start ≤ end/);
    expect(() => parseVacations('2026-07-04..2026-08-31')).toThrow();
    expect(() => parseVacations('暑假 7月到8月')).toThrow();
  });
});

describe('parseAppConfig', () => {
  const config: AppConfig = { ...DEFAULT_APP_CONFIG, vacations: [{ start: '2026-07-04', end: '2026-08-31', name: '暑假' }] };
  const withVacation = (start: string, end: string) => ({ ...config, vacations: [{ start, end, name: '假期' }] });

  it('reads a config of the contract', () => {
    expect(parseAppConfig(config)).toEqual(config);
  });

  it('refuses a stored vacation with a day that does not exist', () => {
    expect(parseAppConfig(withVacation('2026-02-01', '2026-02-30'))).toBeNull();
    expect(parseAppConfig(withVacation('2026-13-45', '2026-13-46'))).toBeNull();
    expect(parseAppConfig(withVacation('2026-02-01', '2026-02-28'))).not.toBeNull();
  });

  it('refuses night hours that are not HH:mm', () => {
    expect(parseAppConfig({ ...config, shiftHours: { nightStart: '24:00', nightEnd: '06:00' } })).toBeNull();
    expect(parseAppConfig({ ...config, shiftHours: { nightStart: '18:00', nightEnd: '6:00' } })).toBeNull();
  });
});
