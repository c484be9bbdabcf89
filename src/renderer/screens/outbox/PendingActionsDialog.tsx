import { Dialog } from '../../components/Dialog';

export function PendingActionsDialog({ onClose }: { onClose: () => void }) {
  return (
    <Dialog title="Pending actions" onClose={onClose}>
      {null}
    </Dialog>
  );
}
