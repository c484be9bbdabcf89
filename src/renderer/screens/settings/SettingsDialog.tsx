// The Settings dialog: notifications, tray, how often to poll, theme, language and the send key. Every
// change is saved at once through main (which validates it); what is shown is what main holds.
import { useId } from 'react';
import { Dialog } from '../../components/Dialog';
import { NOTIFY_TOGGLES, type NotifyToggle } from '../../../shared/notification-settings';
import {
  type AppSettings,
  type AppSettingsPatch,
  type Language,
  POLL_CADENCE_MS,
  POLL_CADENCES,
  type PollCadence,
  type SendKey,
  type Theme,
} from '../../../shared/settings';
import { type MessageKey, type Translate, useLanguage, useT } from '../../i18n/i18n';
import { useSettingsStore } from '../../stores/settings-store';
import { RadioGroup } from './RadioGroup';
import './settings.css';

const save = (patch: AppSettingsPatch): void => void useSettingsStore.getState().update(patch);

const CADENCE_NAMES: Record<PollCadence, MessageKey> = {
  fast: 'settings.cadenceFast',
  normal: 'settings.cadenceNormal',
  relaxed: 'settings.cadenceRelaxed',
};
const CADENCE_NOTES: Partial<Record<PollCadence, MessageKey>> = {
  normal: 'settings.cadenceNormalNote',
  relaxed: 'settings.cadenceRelaxedNote',
};

function duration(t: Translate, ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds >= 60 && seconds % 60 === 0
    ? t('settings.minutes', { n: seconds / 60 })
    : t('settings.seconds', { n: seconds });
}

/** ⌘ on a Mac, Ctrl elsewhere: the modifier the composer listens to. */
function modifierName(): string {
  const platform = typeof navigator === 'undefined' ? '' : navigator.platform || navigator.userAgent;
  return /mac/i.test(platform) ? '⌘' : 'Ctrl';
}

export function SettingsDialog({ onClose }: { onClose: () => void }) {
  const t = useT();
  const settings = useSettingsStore((s) => s.settings);
  const error = useSettingsStore((s) => s.error);

  return (
    <Dialog title={t('common.navSettings')} onClose={onClose}>
      {error ? (
        <p className="error-text" role="alert">
          {t('settings.saveError', { message: error })}
        </p>
      ) : null}
      {settings ? <SettingsForm settings={settings} /> : <p className="muted">{t('common.loading')}</p>}
    </Dialog>
  );
}

function SettingsForm({ settings }: { settings: AppSettings }) {
  const t = useT();
  const language = useLanguage();
  const ids = useId();
  const { notifications } = settings;

  const setKind = (kind: NotifyToggle, on: boolean): void =>
    // The whole object travels: main replaces it, and a partial `kinds` would switch the others back on.
    save({ notifications: { ...notifications, kinds: { ...notifications.kinds, [kind]: on } } });

  return (
    <div className="settings">
      <fieldset>
        <legend>{t('settings.notifications')}</legend>
        <p className="muted settings-lead">{t('settings.notificationsHint')}</p>
        {NOTIFY_TOGGLES.map((kind) => (
          <label key={kind} className="check">
            <input
              type="checkbox"
              checked={notifications.kinds[kind]}
              onChange={(e) => setKind(kind, e.target.checked)}
            />
            <span>{t(`settings.notify-${kind}`)}</span>
          </label>
        ))}
        <label className="check settings-pause">
          <input
            type="checkbox"
            checked={notifications.paused}
            onChange={(e) =>
              save({ notifications: { ...notifications, paused: e.target.checked, pausedUntil: null } })
            }
          />
          <span>{t('settings.pauseNotifications')}</span>
        </label>
        {notifications.paused && notifications.pausedUntil !== null ? (
          <p className="muted settings-note">
            {t('settings.pausedUntil', {
              time: new Date(notifications.pausedUntil).toLocaleString(language),
            })}
          </p>
        ) : null}
      </fieldset>

      <fieldset>
        <legend>{t('settings.window')}</legend>
        <label className="check">
          <input
            type="checkbox"
            checked={settings.closeToTray}
            aria-describedby={`${ids}-tray`}
            onChange={(e) => save({ closeToTray: e.target.checked })}
          />
          <span>{t('settings.closeToTray')}</span>
        </label>
        <p className="muted settings-note" id={`${ids}-tray`}>
          {t('settings.closeToTrayHint')}
        </p>
      </fieldset>

      <RadioGroup<PollCadence>
        legend={t('settings.pollCadence')}
        value={settings.pollCadence}
        onChange={(pollCadence) => save({ pollCadence })}
        options={POLL_CADENCES.map((cadence) => {
          const note = CADENCE_NOTES[cadence];
          const detail = t('settings.cadenceDetail', {
            fast: duration(t, POLL_CADENCE_MS[cadence].fastMs),
            slow: duration(t, POLL_CADENCE_MS[cadence].slowMs),
          });
          return {
            value: cadence,
            label: t(CADENCE_NAMES[cadence]),
            description: note ? `${detail} ${t(note)}` : detail,
          };
        })}
      />

      <RadioGroup<Theme>
        legend={t('settings.theme')}
        value={settings.theme}
        onChange={(theme) => save({ theme })}
        options={[
          { value: 'system', label: t('settings.themeSystem') },
          { value: 'light', label: t('settings.themeLight') },
          { value: 'dark', label: t('settings.themeDark') },
        ]}
      />

      <RadioGroup<Language>
        legend={t('settings.language')}
        value={settings.language}
        onChange={(language) => save({ language })}
        options={[
          { value: 'system', label: t('settings.languageSystem') },
          // Each language is named in itself, so it can be found whatever the UI speaks now.
          { value: 'en', label: 'English', lang: 'en' },
          { value: 'zh-CN', label: '简体中文', lang: 'zh-CN' },
        ]}
      />

      <RadioGroup<SendKey>
        legend={t('settings.sendKey')}
        value={settings.sendKey}
        onChange={(sendKey) => save({ sendKey })}
        options={[
          { value: 'enter', label: t('settings.sendEnter') },
          { value: 'mod-enter', label: t('settings.sendModEnter', { mod: modifierName() }) },
        ]}
      />
    </div>
  );
}
