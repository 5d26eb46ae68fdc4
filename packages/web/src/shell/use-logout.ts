import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router-dom';
import { api } from '../lib/api';

export function useStaffLogout() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return async () => {
    try {
      await api.post('/v1/auth/logout');
    } finally {
      queryClient.clear();
      void navigate('/login', { replace: true });
    }
  };
}
