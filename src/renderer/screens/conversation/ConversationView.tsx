// The open conversation: header and actions, the timeline, the approval panel when the agent waits for one,
// this conversation's queued actions, and the composer with uploads. Files dropped anywhere on the view are
// uploaded to the workspace. Tells main the conversation is on screen while it is mounted.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { ConversationRef } from '../../../shared/conversations';
import { useT } from '../../i18n/i18n';
import { useConversationsStore } from '../../stores/conversations-store';
import { useServersStore } from '../../stores/servers-store';
import { useTimelineStore } from '../../stores/timeline-store';
import { Composer } from './Composer';
import { ConfirmationPanel } from './ConfirmationPanel';
import { ConversationHeader } from './ConversationHeader';
import { QueuedActions } from './QueuedActions';
import { Timeline } from './Timeline';
import { DropOverlay, UploadButton, UploadConfirmDialog, UploadNotices } from './Uploads';
import { useUploads } from './use-uploads';
import './conversation.css';

const hasFiles = (event: React.DragEvent): boolean => event.dataTransfer.types.includes('Files');

export function ConversationView({ conversationKey }: { conversationKey: string }) {
  const t = useT();
  const conversation = useConversationsStore((s) => s.byKey.get(conversationKey));
  const serverId = conversation?.serverId;
  const id = conversation?.id;
  const version = conversation?.version;
  const ref = useMemo<ConversationRef | null>(
    () => (serverId && id && version ? { serverId, id, version } : null),
    [serverId, id, version],
  );

  useEffect(() => {
    if (!ref) return;
    void useTimelineStore.getState().open(ref);
    return () => void useTimelineStore.getState().open(null);
  }, [ref]);

  if (!conversation || !ref) {
    return (
      <section className="conversation-view conv-loading" aria-busy="true">
        <p role="status" className="muted">
          {t('conversation.loadingConversation')}
        </p>
      </section>
    );
  }
  return (
    <LoadedConversation
      conversationKey={conversationKey}
      conversationRef={ref}
      workingDir={conversation.workingDir ?? null}
    >
      <ConversationHeader conversation={conversation} conversationKey={conversationKey} />
      <Timeline conversationKey={conversationKey} />
      {conversation.status === 'needs-confirmation' ? (
        <ConfirmationPanel conversationRef={ref} conversationKey={conversationKey} />
      ) : null}
    </LoadedConversation>
  );
}

/** The view once its conversation is known: the drop zone, and the parts below the timeline. */
function LoadedConversation({
  conversationKey,
  conversationRef,
  workingDir,
  children,
}: {
  conversationKey: string;
  conversationRef: ConversationRef;
  /** A bare agent server's conversation: where dropped files land. */
  workingDir: string | null;
  children: React.ReactNode;
}) {
  const t = useT();
  const uploads = useUploads(conversationRef);
  const server = useServersStore((s) => s.servers.find((v) => v.id === conversationRef.serverId));
  const target =
    workingDir && server ? { dir: workingDir, server: server.name, local: isLoopback(server.baseUrl) } : null;
  const [dragging, setDragging] = useState(false);
  // dragenter/dragleave fire for every child crossed: count them so the overlay does not flicker.
  const depth = useRef(0);

  return (
    <section
      className="conversation-view"
      onDragEnter={(event) => {
        if (!hasFiles(event)) return;
        event.preventDefault();
        depth.current += 1;
        setDragging(true);
      }}
      onDragOver={(event) => {
        if (!hasFiles(event)) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = 'copy';
      }}
      onDragLeave={(event) => {
        if (!hasFiles(event)) return;
        depth.current = Math.max(0, depth.current - 1);
        if (depth.current === 0) setDragging(false);
      }}
      onDrop={(event) => {
        if (!hasFiles(event)) return;
        event.preventDefault();
        depth.current = 0;
        setDragging(false);
        void uploads.upload([...event.dataTransfer.files]);
      }}
    >
      {children}
      <QueuedActions conversationKey={conversationKey} />
      <UploadNotices uploads={uploads} />
      {target?.local ? (
        <p className="muted upload-local-note">
          {t('conversation.uploadLocalDisk', { dir: target.dir, server: target.server })}
        </p>
      ) : null}
      <Composer conversationRef={conversationRef} extra={<UploadButton uploads={uploads} />} />
      <UploadConfirmDialog uploads={uploads} />
      {dragging ? <DropOverlay target={target} /> : null}
    </section>
  );
}

/** An agent server on this computer: its working directory is a folder of the user's own disk. */
function isLoopback(baseUrl: string): boolean {
  try {
    const host = new URL(baseUrl).hostname;
    return host === 'localhost' || host === '[::1]' || /^127\./.test(host);
  } catch {
    return false;
  }
}
