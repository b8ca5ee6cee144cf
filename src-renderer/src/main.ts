import { mount } from 'svelte';
// First, so that the components' own styles come after the shared ones.
import './theme.css';
import './controls.css';
import App from './App.svelte';

mount(App, { target: document.getElementById('app')! });
