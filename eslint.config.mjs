// @ts-check
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'

// `paths` matches a module name exactly; a `patterns` entry named 'electron' would also match
// our own src-main/electron folder.
const noElectron = { name: 'electron', message: 'Only src-main/electron may import electron.' }
const nodeOnly = [
  { group: ['node:*'], message: 'Node built-ins are for src-main only.' },
  {
    group: ['better-sqlite3', 'keytar', '@azure/msal-node'],
    message: 'Native and Node-only modules are for src-main.'
  }
]

/** @param {string[]} files @param {object[]} patterns */
const restrict = (files, patterns, ignores = []) => ({
  files,
  ignores,
  rules: { 'no-restricted-imports': ['error', { paths: [noElectron], patterns }] }
})

// The layers of ARCHITECTURE.md, enforced rather than hoped for.
const layers = [
  restrict(
    ['src-shared/**/*.ts'],
    [
      ...nodeOnly,
      {
        group: ['react', 'react-dom', '@fluentui/*', '@tanstack/*'],
        message: 'src-shared has no UI.'
      },
      {
        group: ['**/src-main/**', '**/src-renderer/**'],
        message: 'src-shared depends on nothing of ours.'
      },
      {
        // Only zod and src-shared itself: the contract must load in every process.
        regex: '^(?!zod$|\\.\\.?/)',
        message: 'src-shared imports only zod and itself.'
      }
    ]
  ),
  // The sandboxed preload is one self-contained file: electron and the channel names only.
  {
    files: ['src-main/electron/preload.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!electron$|\\.\\./\\.\\./src-shared/channels$)',
              message: 'The preload imports electron and src-shared/channels only.'
            }
          ]
        }
      ]
    }
  },
  restrict(['src-main/**/*.ts', 'test/**/*.ts'], [], ['src-main/electron/**']),
  // The sandbox parses requests with its own code: sharing the client's helpers would hide the
  // same mistake on both sides (ARCHITECTURE.md, "The sandbox is a product feature").
  restrict(
    ['src-main/sandbox/**/*.ts'],
    [
      {
        group: ['**/dataverse/**', '**/src-shared/odata/**', '**/sync/**', '**/store/**'],
        message: 'The sandbox is built from the documented behaviour, never from the client side.'
      }
    ]
  ),
  restrict(
    ['src-main/dataverse/**/*.ts', 'src-main/sync/**/*.ts', 'src-main/store/**/*.ts'],
    [{ group: ['**/sandbox/**'], message: 'The product never depends on its own emulator.' }]
  )
]

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'coverage/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }
      ],
      eqeqeq: ['error', 'smart'],
      'max-lines': ['warn', { max: 400, skipBlankLines: true, skipComments: true }]
    }
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules }
  },
  {
    files: ['bin/**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' }
  },
  ...layers
)
