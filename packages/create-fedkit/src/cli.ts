#!/usr/bin/env node
/// <reference types="node" />
/**
 * `npm create fedkit@latest [dir] -- [--cloud aws|gcp|azure] [--template <name>] [--yes]`.
 * Exit codes: 0 created (or --help), 2 bad command line, 1 anything else (e.g. a non-empty directory).
 *
 * @packageDocumentation
 */
import { main } from "./main.js";

process.exitCode = await main(process.argv.slice(2));
