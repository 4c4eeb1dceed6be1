export { loadHfModel, type LoadedHfModel } from './load-hf-model.js';
export { saveHfModel, type SaveHfModelOptions } from './save-hf-model.js';
export { parseSafetensors, serializeSafetensors, type SafetensorsFile, type SafetensorsTensor, type TensorToWrite } from './safetensors.js';
export { writeDirAtomically } from './atomic-dir.js';
export { loadAnyHfModel, modelFamilyOf, type LoadedAnyModel, type LoadedAlbertModel, type LoadedMobileBertModel } from './load-any-model.js';
export { saveFamilyModel, type SaveFamilyModelOptions } from './save-family-model.js';
export { SUPPORTED_MODEL_TYPES, type ModelFamily } from './families.js';
