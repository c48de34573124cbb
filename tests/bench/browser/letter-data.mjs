// The prepared Letter split (tests/bench/prepare-data.mjs writes it to build/bench) fetched by the
// browser bench page and its worker, and test accuracy from predicted class probabilities.
async function fetchArray(name, Type) {
  const res = await fetch(`/build/bench/${name}`);
  if (!res.ok) throw new Error(`bench page: ${name}: HTTP ${res.status}`);
  return new Type(await res.arrayBuffer());
}

export async function loadData() {
  const meta = await (await fetch('/build/bench/letter.json')).json();
  return {
    ...meta,
    xTrain: await fetchArray('letter-xtrain.f32', Float32Array), yTrain: await fetchArray('letter-ytrain.i32', Int32Array),
    xTest: await fetchArray('letter-xtest.f32', Float32Array), yTest: await fetchArray('letter-ytest.i32', Int32Array),
  };
}

/** Share of test rows whose most probable class is the label; probs (nTest, C). */
export function accuracyOf(probs, data) {
  let correct = 0;
  for (let i = 0; i < data.nTest; i++) {
    let best = 0;
    for (let c = 1; c < data.C; c++) if (probs[i * data.C + c] > probs[i * data.C + best]) best = c;
    if (best === data.yTest[i]) correct++;
  }
  return correct / data.nTest;
}
