import { build } from "esbuild";
import { gzipSync } from "node:zlib";
const [app, fn] = process.argv.slice(2);
const out = await build({ entryPoints: [`../apps/${app}/netlify/edge-functions/${fn}.ts`], bundle: true, splitting: false, minify: true, format: "esm", platform: "neutral", conditions: ["deno","worker","browser"], mainFields:["module","main"], target:"es2022", write:false, metafile:true, outdir:"/tmp/o", logLevel:"silent"});
const o = Object.values(out.metafile.outputs)[0];
const byPkg = {};
for (const [p, v] of Object.entries(o.inputs)) { const m = p.match(/packages\/([^/]+)\/(?:dist|src)\/(.*)/) ; const k = m ? m[1]+"/"+m[2] : p.replace(/.*node_modules\//,"nm:"); byPkg[k]=(byPkg[k]||0)+v.bytesInOutput; }
const total = gzipSync(out.outputFiles[0].contents,{level:9}).length;
console.log(app, "gzip", total, "min", out.outputFiles[0].contents.length);
Object.entries(byPkg).sort((a,b)=>b[1]-a[1]).slice(0,45).forEach(([k,v])=>console.log(String(v).padStart(7), k));
