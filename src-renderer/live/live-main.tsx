import { createRoot } from 'react-dom/client';
import { LiveApp } from './live-app';
import '../proctor-theme.css';

createRoot(document.getElementById('root')!).render(<LiveApp />);
