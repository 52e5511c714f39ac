import { screenFigures } from './screen';
const [dbFile, user, pass] = process.argv.slice(2);
const f = await screenFigures({ dir: '', dbFile: dbFile!, pharmacist: { username: user!, password: pass! } });
console.log(JSON.stringify(f, null, 1));
