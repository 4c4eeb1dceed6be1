export { parseSafetensors, serializeSafetensors, type SafetensorsFile, type SafetensorsTensor, type TensorToWrite } from './safetensors.js';
export { writeDirAtomically } from './atomic-dir.js';
export { loadAnyHfModel, loadHfModel, modelFamilyOf, type LoadedAnyModel, type LoadedHfModel, type LoadedAlbertModel, type LoadedMobileBertModel } from './load-any-model.js';
export { saveFamilyModel, saveHfModel, type SaveFamilyModelOptions, type SaveHfModelOptions } from './save-family-model.js';
export { SUPPORTED_MODEL_TYPES, type ModelFamily } from './families.js';
