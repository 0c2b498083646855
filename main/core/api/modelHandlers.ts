// Handlers for the models a user already has (Hugging Face cache, any folder).
import type { Handlers } from './dispatch';
import { hfHubCacheDir, listCachedModels } from '../models/hfCache';
import { inspectModelFolder } from '../models/modelFolder';
import { isDir } from '../util/fileSystem';
import { StudioError } from '../util/errors';

export function modelHandlers(): Pick<Handlers, 'models.local' | 'models.inspect'> {
  return {
    'models.local': () => {
      const cacheDir = hfHubCacheDir();
      return { cacheDir, models: listCachedModels(cacheDir) };
    },
    'models.inspect': ({ path }) => {
      if (!isDir(path)) throw new StudioError('not_a_folder', `${path} is not a folder`);
      return inspectModelFolder(path);
    },
  };
}
