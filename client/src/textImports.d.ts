// A stylesheet imported `with { type: 'text' }` is its text (client/src/screens/styleSheet.ts).
declare module '*.css' {
  const text: string;
  export default text;
}
