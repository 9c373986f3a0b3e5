import { createRoot } from 'react-dom/client';
import { LiveApp } from './live-app';

createRoot(document.getElementById('root')!).render(<LiveApp />);
