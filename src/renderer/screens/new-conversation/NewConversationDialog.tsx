import { Dialog } from '../../components/Dialog';

export function NewConversationDialog({ onClose }: { onClose: () => void }) {
  return (
    <Dialog title="New conversation" onClose={onClose}>
      {null}
    </Dialog>
  );
}
