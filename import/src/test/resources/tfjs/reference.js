// Records reference outputs of nsfwjs's TF.js models, computed by TF.js itself (CPU backend), for
// TfjsEncoderReferenceTest. Recorded once, outside the build (TF.js is not a dependency of mmr):
//   mkdir ref && cd ref && npm init -y && npm install @tensorflow/tfjs@4
//   node reference.js ~/.cache/mmr/nsfwjs-4.3.0/dist/models pixels.json > nsfwjs-reference.json
// pixels.json: the RGB (composited on white) of two fixture images, google/64/1fabd.png and
// twitter/64/1f0cf.png, as mmr's Raster.onWhite gives them. Each output is the named layer's
// activations for the image scaled to [0, 1] and resized bilinearly (corners aligned) to the model's
// input side — nsfwjs's own preprocessing — averaged over space. For the graph model
// (mobilenet_v2_mid) the output is the node its classifier head reads, the 1792-d feature vector.
const tf = require('@tensorflow/tfjs');
const path = require('path');
const fs = require('fs');
const [modelsDir, pixelsFile] = process.argv.slice(2);
const targets = [['inception_v3', 'mixed5', 299], ['mobilenet_v2', 'out_relu', 224]];
const graphTargets = [['mobilenet_v2_mid', 'feature_vector/SpatialSqueeze', 224], ['mobilenet_v2_mid', 'MobilenetV2/expanded_conv_4/add', 224]];
// A bundled nsfwjs model (model.min.js + base64 shards *.min.js) as TF.js's in-memory model artifacts.
function bundled(name) {
  const dir = path.join(modelsDir, name);
  const json = require(path.join(dir, 'model.min.js'));
  const group = json.weightsManifest[0];
  const all = Buffer.concat(group.paths.map(p => Buffer.from(require(path.join(dir, p + '.min.js')), 'base64')));
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  return tf.io.fromMemory({modelTopology: json.modelTopology, weightSpecs: group.weights, weightData});
}
(async () => {
  await tf.setBackend('cpu');
  const pixels = JSON.parse(fs.readFileSync(pixelsFile, 'utf8')).images;
  const out = {tfjs: tf.version.tfjs, backend: tf.getBackend(), images: pixels.map(p => p.file), outputs: {}};
  for (const [name, layer, size] of targets) {
    const model = await tf.loadLayersModel(bundled(name));
    const cut = tf.model({inputs: model.inputs, outputs: model.getLayer(layer).output});
    const rows = [];
    for (const p of pixels) {
      const v = tf.tidy(() => {
        const img = tf.tensor3d(p.rgb, [p.height, p.width, 3], 'float32').div(255);
        const resized = tf.image.resizeBilinear(img, [size, size], true);
        const y = cut.predict(resized.reshape([1, size, size, 3]));
        return y.mean([1, 2]).reshape([-1]);
      });
      rows.push(Array.from(await v.data()));
    }
    out.outputs[name + '/' + layer] = rows;
  }
  for (const [name, node, size] of graphTargets) {
    const model = await tf.loadGraphModel(bundled(name));
    const full = Object.keys(model.executor.graph.nodes).find(n => n === node || n.endsWith('/' + node));
    const rows = [];
    for (const p of pixels) {
      const v = tf.tidy(() => {
        const img = tf.tensor3d(p.rgb, [p.height, p.width, 3], 'float32').div(255);
        const resized = tf.image.resizeBilinear(img, [size, size], true);
        const y = model.execute(resized.reshape([1, size, size, 3]), full);
        return (y.rank === 4 ? y.mean([1, 2]) : y).reshape([-1]);
      });
      rows.push(Array.from(await v.data()));
    }
    out.outputs[name + '/' + node] = rows;
  }
  process.stdout.write(JSON.stringify(out));
})();
