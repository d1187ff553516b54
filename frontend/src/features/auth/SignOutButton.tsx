import { useNavigate } from 'react-router';
import { Button } from '../../components/Button';
import { useLogout } from './queries';

export function SignOutButton() {
  const navigate = useNavigate();
  const mutation = useLogout({
    onSettled: () => {
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
