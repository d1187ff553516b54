import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { logout } from '../../api/client';
import { Button } from '../../components/Button';

export function SignOutButton() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const mutation = useMutation({
    mutationFn: logout,
    // Signed out server-side or not, this tab forgets everything it knew.
    onSettled: () => {
      queryClient.clear();
      void navigate('/login', { replace: true });
    },
  });
  return (
    <Button
      variant="secondary"
      className="btn-sm"
      pending={mutation.isPending}
      pendingLabel="Signing out…"
      onClick={() => {
        mutation.mutate();
      }}
    >
      Sign out
    </Button>
  );
}
