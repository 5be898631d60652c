import { render } from 'preact';
import { App } from './App.js';
import { PortalApp } from './portal/PortalApp.js';
import { portalMode } from './portal/mode.js';
import './styles.css';

render(portalMode ? <PortalApp /> : <App />, document.getElementById('app')!);
