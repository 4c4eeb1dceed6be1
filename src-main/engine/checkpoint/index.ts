export { loadHfModel, type LoadedHfModel } from './load-hf-model.js';
export { saveHfModel, type SaveHfModelOptions } from './save-hf-model.js';
export { parseSafetensors, serializeSafetensors, type SafetensorsFile, type SafetensorsTensor, type TensorToWrite } from './safetensors.js';
export { writeDirAtomically } from './atomic-dir.js';
