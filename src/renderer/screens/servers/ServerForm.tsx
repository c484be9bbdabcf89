// Adding or editing one server: name, address, API key (never shown back), where the key is kept,
// Test connection, Save, and (when editing) Remove with a confirmation step. Main validates everything;
// its field problems are shown next to the fields they concern. For Cloud, once Test connection has listed
// the user's organisations, the one this server acts in (Organization select, or the only one as text).
// Under Advanced, the server's agent hosts: other hosts where its agent servers may run (agent-address.ts).
import { type FormEvent, type ReactNode, useEffect, useId, useRef, useState } from 'react';
import type { BridgeError, BridgeResult } from '../../../shared/bridge/contract';
import { agentHostsSchema, serverKind, splitAgentHosts } from '../../../shared/servers';
import { bridge, errorMessage } from '../../bridge';
import { type MessageKey, type Translate, useT } from '../../i18n/i18n';
import { type ConnectionReport, type ServerView, useServersStore } from '../../stores/servers-store';

type FieldName = 'name' | 'baseUrl' | 'apiKey' | 'orgId' | 'agentHosts';
const FIELD_NAMES: readonly string[] = ['name', 'baseUrl', 'apiKey', 'orgId', 'agentHosts'];

/**
 * The agent hosts as typed (commas or spaces between them), normalised as main will keep them when they are
 * valid; otherwise as typed, for main to say what is wrong next to the field.
 */
function typedHosts(text: string): string[] {
  const typed = splitAgentHosts(text);
  const valid = agentHostsSchema.safeParse(typed);
  return valid.success ? valid.data : typed;
}

const sameHosts = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((host, i) => host === b[i]);

type Organization = NonNullable<ConnectionReport['organizations']>[number];

/** The org to select: the one chosen (or saved) if listed, else the one the key acts in, else the first. */
function pickOrg(
  orgs: readonly Organization[],
  chosen: string | null,
  current: string | null,
): string | null {
  const listed = (id: string | null): id is string => id !== null && orgs.some((o) => o.id === id);
  if (listed(chosen)) return chosen;
  if (listed(current)) return current;
  return orgs[0]?.id ?? null;
}

/** An organisation by name; the personal one says so (Cloud often names it "Personal Workspace" already). */
export function orgLabel(t: Translate, org: Pick<Organization, 'name' | 'personal'>): string {
  if (!org.personal) return org.name;
  return /^personal workspace$/i.test(org.name.trim())
    ? t('servers.orgPersonal')
    : t('servers.orgPersonalNamed', { name: org.name });
}

type TestState =
  | { state: 'idle' }
  | { state: 'testing' }
  | { state: 'done'; report: ConnectionReport }
  | { state: 'failed'; message: string };

export interface ServerFormProps {
  /** The server to edit; absent to add one. */
  server?: ServerView;
  /** Start in the API key field (the key was lost with the last session). */
  focusKey?: boolean;
  onDone: () => void;
}

export function ServerForm({ server, focusKey = false, onDone }: ServerFormProps) {
  const t = useT();
  const ids = useId();
  const keychain = useServersStore((s) => s.keychain);
  const keychainDown = keychain?.state === 'unavailable' ? keychain : null;

  const [name, setName] = useState(server?.name ?? '');
  const [baseUrl, setBaseUrl] = useState(server?.baseUrl ?? '');
  const [apiKey, setApiKey] = useState('');
  // Untouched, the checkbox follows the keychain (which may be read after the form opened).
  const [sessionOnlyChoice, setSessionOnlyChoice] = useState<boolean | null>(null);
  const sessionOnly = sessionOnlyChoice ?? (keychainDown !== null || server?.keyStorage === 'session');
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<FieldName, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [test, setTest] = useState<TestState>({ state: 'idle' });
  const [busy, setBusy] = useState<'saving' | 'removing' | null>(null);
  const [confirmRemove, setConfirmRemove] = useState(false);
  // The organisations the last Test connection listed (Cloud); they go when the address or key changes.
  const [orgs, setOrgs] = useState<readonly Organization[] | null>(null);
  const [orgId, setOrgId] = useState<string | null>(server?.orgId ?? null);
  const [agentHosts, setAgentHosts] = useState(server?.agentHosts.join(', ') ?? '');
  // Advanced starts open when the server has agent hosts, so they are never out of sight when editing it.
  const [advancedOpen, setAdvancedOpen] = useState((server?.agentHosts.length ?? 0) > 0);

  const nameRef = useRef<HTMLInputElement>(null);
  const keyRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    (focusKey ? keyRef : nameRef).current?.focus();
  }, [focusKey]);

  const isCloud = serverKind(baseUrl.trim()) === 'cloud';
  const keyHint = !server
    ? isCloud
      ? t('servers.apiKeyHintCloud')
      : test.state === 'done' && test.report.serverKind === 'agent-server'
        ? t('servers.apiKeyHintAgent')
        : t('servers.apiKeyHintAdd')
    : server.sessionKeyLost
      ? t('servers.apiKeyHintLost')
      : server.hasKey
        ? t('servers.apiKeyHintEdit')
        : t('servers.apiKeyHintEditNone');

  /** Field problems go next to their field; anything else (or a field-less problem) above the buttons. */
  const showError = (error: BridgeError): void => {
    const fields: Partial<Record<FieldName, string>> = {};
    const general: string[] = [];
    for (const problem of error.fields ?? []) {
      if (FIELD_NAMES.includes(problem.field)) fields[problem.field as FieldName] ??= problem.message;
      else general.push(problem.message);
    }
    setFieldErrors(fields);
    if (fields.agentHosts !== undefined) setAdvancedOpen(true);
    const hasFields = Object.keys(fields).length > 0;
    setFormError(general.length > 0 ? general.join(' ') : hasFields ? null : error.message);
  };

  const edited = (): void => {
    setTest({ state: 'idle' });
    setFormError(null);
  };
  /** Another address or key may be another account: its organisations are not known until tested again. */
  const connectionEdited = (): void => {
    edited();
    setOrgs(null);
  };

  const runTest = async (): Promise<void> => {
    setTest({ state: 'testing' });
    // The saved server is tested with its stored key; anything changed in the form is tested as typed.
    const savedAsIs = server !== undefined && baseUrl.trim() === server.baseUrl && apiKey === '';
    try {
      const result = savedAsIs
        ? await bridge().servers.test({ id: server.id })
        : await bridge().servers.testUnsaved({ baseUrl: baseUrl.trim(), ...(apiKey ? { apiKey } : {}) });
      if (result.ok) {
        setTest({ state: 'done', report: result.data });
        const listed = result.data.organizations;
        const current = result.data.currentOrgId;
        if (listed && listed.length > 0) {
          setOrgs(listed);
          setOrgId((chosen) => pickOrg(listed, chosen, current));
        } else setOrgs(null);
      } else setTest({ state: 'failed', message: result.error.message });
    } catch (error) {
      setTest({ state: 'failed', message: errorMessage(error) });
    }
  };

  const finish = async (call: () => Promise<BridgeResult<unknown>>): Promise<void> => {
    setFormError(null);
    try {
      const result = await call();
      if (!result.ok) {
        showError(result.error);
        return;
      }
      await useServersStore.getState().refresh();
      onDone();
    } catch (error) {
      setFormError(errorMessage(error));
    } finally {
      setBusy(null);
    }
  };

  const save = (event: FormEvent): void => {
    event.preventDefault();
    setBusy('saving');
    setFieldErrors({});
    // The key only travels when one was typed: blank keeps the stored key (or no key) as it is.
    const key = apiKey ? { apiKey } : {};
    const where = apiKey ? { sessionOnlyKey: sessionOnly } : {};
    // The organisation travels only when a test listed them; otherwise main keeps what it has (and clears it
    // itself when the address changes).
    const picked = orgs?.find((o) => o.id === orgId);
    const org = picked ? { orgId: picked.id, orgName: picked.name } : {};
    // Agent hosts travel when there are some to add, or when editing changed them or the address: what the
    // field shows is what is kept (main would clear them on a new address if they did not travel).
    const hostList = typedHosts(agentHosts);
    const hostsGo = server
      ? baseUrl.trim() !== server.baseUrl || !sameHosts(hostList, server.agentHosts)
      : hostList.length > 0;
    const hosts = hostsGo ? { agentHosts: hostList } : {};
    // What Test connection found the address to be: saved, so the app asks it the right way from the start
    // (without a test, main finds out on first use).
    const found = test.state === 'done' ? test.report.serverKind : null;
    const kind = found
      ? { kind: found === 'agent-server' ? ('agent-server' as const) : ('app-server' as const) }
      : {};
    void finish(() =>
      server
        ? bridge().servers.update({
            id: server.id,
            patch: { name, baseUrl, ...key, ...org, ...hosts, ...kind },
            ...where,
          })
        : bridge().servers.add({ server: { name, baseUrl, ...key, ...org, ...hosts, ...kind }, ...where }),
    );
  };

  const remove = (): void => {
    if (!server) return;
    setBusy('removing');
    void finish(() => bridge().servers.remove({ id: server.id }));
  };

  const described = (...parts: (string | false)[]): string | undefined =>
    parts.filter(Boolean).join(' ') || undefined;

  return (
    <form className="server-form" onSubmit={save} noValidate>
      <h3 className="server-form-title">
        {server ? t('servers.editTitle', { name: server.name }) : t('servers.addTitle')}
      </h3>

      <Field id={`${ids}-name`} label={t('servers.name')} error={fieldErrors.name}>
        <input
          ref={nameRef}
          id={`${ids}-name`}
          type="text"
          value={name}
          placeholder={t('servers.namePlaceholder')}
          aria-invalid={fieldErrors.name ? true : undefined}
          aria-describedby={described(fieldErrors.name !== undefined && `${ids}-name-error`)}
          onChange={(e) => {
            setName(e.target.value);
            edited();
          }}
        />
      </Field>

      <Field
        id={`${ids}-url`}
        label={t('servers.url')}
        error={fieldErrors.baseUrl}
        hint={t('servers.urlHint')}
      >
        <input
          id={`${ids}-url`}
          type="url"
          inputMode="url"
          value={baseUrl}
          spellCheck={false}
          autoCapitalize="off"
          aria-invalid={fieldErrors.baseUrl ? true : undefined}
          aria-describedby={described(
            `${ids}-url-hint`,
            fieldErrors.baseUrl !== undefined && `${ids}-url-error`,
          )}
          onChange={(e) => {
            setBaseUrl(e.target.value);
            connectionEdited();
          }}
        />
      </Field>

      <Field id={`${ids}-key`} label={t('servers.apiKey')} error={fieldErrors.apiKey} hint={keyHint}>
        <input
          ref={keyRef}
          id={`${ids}-key`}
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={apiKey}
          aria-invalid={fieldErrors.apiKey ? true : undefined}
          aria-describedby={described(
            `${ids}-key-hint`,
            fieldErrors.apiKey !== undefined && `${ids}-key-error`,
          )}
          onChange={(e) => {
            setApiKey(e.target.value);
            connectionEdited();
          }}
        />
      </Field>

      {keychainDown ? (
        <div className="keychain-note" id={`${ids}-keychain`}>
          <p>{t('servers.keychainUnavailable')}</p>
          <p className="muted">{keychainDown.message}</p>
          <details>
            <summary>{t('servers.keychainDetail')}</summary>
            <p className="muted">{keychainDown.detail}</p>
          </details>
        </div>
      ) : null}
      <label className="check">
        <input
          type="checkbox"
          checked={sessionOnly}
          aria-describedby={described(`${ids}-session-hint`, keychainDown !== null && `${ids}-keychain`)}
          onChange={(e) => setSessionOnlyChoice(e.target.checked)}
        />
        <span>{t('servers.sessionOnly')}</span>
      </label>
      <p className="hint" id={`${ids}-session-hint`}>
        {t('servers.sessionOnlyHint')}
      </p>

      <details
        className="server-form-advanced"
        open={advancedOpen}
        onToggle={(e) => setAdvancedOpen(e.currentTarget.open)}
      >
        <summary>{t('servers.advanced')}</summary>
        <Field
          id={`${ids}-hosts`}
          label={t('servers.agentHosts')}
          error={fieldErrors.agentHosts}
          hint={t('servers.agentHostsHint')}
        >
          <input
            id={`${ids}-hosts`}
            type="text"
            value={agentHosts}
            spellCheck={false}
            autoCapitalize="off"
            autoComplete="off"
            aria-invalid={fieldErrors.agentHosts ? true : undefined}
            aria-describedby={described(
              `${ids}-hosts-hint`,
              fieldErrors.agentHosts !== undefined && `${ids}-hosts-error`,
            )}
            onChange={(e) => {
              setAgentHosts(e.target.value);
              edited();
            }}
          />
        </Field>
      </details>

      <TestResult test={test} />
      {orgs && orgs.length > 1 ? (
        <Field
          id={`${ids}-org`}
          label={t('servers.organization')}
          error={fieldErrors.orgId}
          hint={t('servers.orgHint')}
        >
          <select
            id={`${ids}-org`}
            value={orgId ?? ''}
            aria-invalid={fieldErrors.orgId ? true : undefined}
            aria-describedby={described(
              `${ids}-org-hint`,
              fieldErrors.orgId !== undefined && `${ids}-org-error`,
            )}
            onChange={(e) => {
              setOrgId(e.target.value);
              setFormError(null);
            }}
          >
            {orgs.map((org) => (
              <option key={org.id} value={org.id}>
                {orgLabel(t, org)}
              </option>
            ))}
          </select>
        </Field>
      ) : orgs && orgs[0] ? (
        <OrgText id={`${ids}-org`} label={orgLabel(t, orgs[0])} hint={t('servers.orgHint')} />
      ) : !orgs && server?.orgId && server.orgName ? (
        <OrgText id={`${ids}-org`} label={server.orgName} hint={t('servers.orgTestToChange')} />
      ) : null}
      {formError ? (
        <p className="error-text" role="alert">
          {formError}
        </p>
      ) : null}

      {confirmRemove && server ? (
        <div className="remove-confirm" role="group" aria-labelledby={`${ids}-remove-q`}>
          <p id={`${ids}-remove-q`}>
            {server.keyStorage === 'keychain'
              ? t('servers.removeConfirmKeychain', { name: server.name })
              : server.keyStorage === 'session'
                ? t('servers.removeConfirmSession', { name: server.name })
                : t('servers.removeConfirmNoKey', { name: server.name })}{' '}
            {t('servers.removeConfirmNote')}
          </p>
          <div className="form-buttons">
            <button type="button" onClick={() => setConfirmRemove(false)} disabled={busy !== null}>
              {t('servers.keepServer')}
            </button>
            <button type="button" className="danger" onClick={remove} disabled={busy !== null}>
              {t('servers.remove')}
            </button>
          </div>
        </div>
      ) : (
        <div className="form-buttons">
          {server ? (
            <button
              type="button"
              className="danger"
              onClick={() => setConfirmRemove(true)}
              disabled={busy !== null}
            >
              {t('servers.removeServer')}
            </button>
          ) : null}
          <span className="form-buttons-spacer" />
          <button type="button" onClick={() => void runTest()} disabled={test.state === 'testing'}>
            {t('servers.testConnection')}
          </button>
          <button type="button" onClick={onDone}>
            {t('servers.back')}
          </button>
          <button type="submit" className="primary" disabled={busy !== null}>
            {t('common.save')}
          </button>
        </div>
      )}
      {busy ? (
        <p className="muted" aria-live="polite">
          {busy === 'saving' ? t('servers.saving') : t('servers.removing')}
        </p>
      ) : null}
    </form>
  );
}

function Field({
  id,
  label,
  error,
  hint,
  children,
}: {
  id: string;
  label: string;
  error: string | undefined;
  hint?: string;
  children: ReactNode;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {hint ? (
        <span className="hint" id={`${id}-hint`}>
          {hint}
        </span>
      ) : null}
      {error ? (
        <span className="field-error" id={`${id}-error`}>
          {error}
        </span>
      ) : null}
    </div>
  );
}

/** The organisation as text: the only one there is, or the saved one before a test lists the others. */
function OrgText({ id, label, hint }: { id: string; label: string; hint: string }) {
  const t = useT();
  return (
    <div className="field" role="group" aria-labelledby={`${id}-label`} aria-describedby={`${id}-hint`}>
      <span className="field-label" id={`${id}-label`}>
        {t('servers.organization')}
      </span>
      <span className="org-name">{label}</span>
      <span className="hint" id={`${id}-hint`}>
        {hint}
      </span>
    </div>
  );
}

/** A server kind in words (the list row, what Test connection found). */
export const KIND_LABEL = {
  cloud: 'servers.kindCloud',
  'self-hosted': 'servers.kindSelfHosted',
  'agent-server': 'servers.kindAgentServer',
} as const satisfies Record<ServerView['kind'], MessageKey>;

/** The outcome of Test connection, in a live region so it is announced. */
function TestResult({ test }: { test: TestState }) {
  const t = useT();
  let content: ReactNode = null;
  let tone = '';
  if (test.state === 'testing') content = t('servers.testing');
  else if (test.state === 'done') {
    tone = test.report.ok ? 'test-ok' : 'test-problem';
    const kind = test.report.serverKind;
    content = (
      <>
        <strong>{test.report.ok ? t('servers.testOk') : t('servers.testProblem')}</strong>{' '}
        {test.report.summary}
        {kind ? (
          <span className="test-kind"> {t('servers.foundKind', { kind: t(KIND_LABEL[kind]) })}</span>
        ) : null}
      </>
    );
  } else if (test.state === 'failed') {
    tone = 'test-problem';
    content = (
      <>
        <strong>{t('servers.testProblem')}</strong> {test.message}
      </>
    );
  }
  return (
    <div className={`test-result ${tone}`} aria-live="polite">
      {content}
    </div>
  );
}
